export function App() {
  return <main>Staff console</main>;
}
